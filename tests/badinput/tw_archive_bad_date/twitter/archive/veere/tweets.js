window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"https://about.twitter.com/products/tweetdeck\" rel=\"nofollow\">TweetDeck</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "40" ],
      "favorite_count" : "3",
      "id_str" : "3001",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "3001",
      "created_at" : "2014-04-01 07:30",
      "favorited" : false,
      "full_text" : "De strandopgangen zijn weer open.",
      "lang" : "nl"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ { "name" : "Kees Klant", "screen_name" : "keesklant", "indices" : [ "0", "10" ], "id_str" : "701", "id" : "701" } ], "urls" : [ ] },
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "2101",
      "id_str" : "3002",
      "in_reply_to_user_id" : "701",
      "in_reply_to_status_id" : "2101",
      "created_at" : "Tue Apr 01 08:05:00 +0000 2014",
      "full_text" : "@keesklant Ja, de milieustraat is zaterdag open.",
      "in_reply_to_screen_name" : "keesklant",
      "in_reply_to_user_id_str" : "701",
      "id" : "3002",
      "retweet_count" : "0",
      "lang" : "nl"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ { "name" : "Gemeente Utrecht", "screen_name" : "gemeenteutrecht", "indices" : [ "3", "19" ], "id_str" : "111", "id" : "111" } ], "urls" : [ ] },
      "favorite_count" : "0",
      "id_str" : "3003",
      "id" : "3003",
      "created_at" : "Wed Apr 02 09:00:00 +0000 2014",
      "full_text" : "RT @gemeenteutrecht: Vanaf maandag werkzaamheden aan de Biltstraat.",
      "retweet_count" : "0",
      "lang" : "nl"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "3001",
      "id_str" : "3004",
      "in_reply_to_user_id" : "222",
      "in_reply_to_status_id" : "3001",
      "created_at" : "Tue Apr 01 07:35:00 +0000 2014",
      "full_text" : "Let op: bij Domburg is de opgang nog dicht.",
      "in_reply_to_screen_name" : "gemeenteveere",
      "in_reply_to_user_id_str" : "222",
      "id" : "3004",
      "retweet_count" : "0",
      "lang" : "nl"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ { "url" : "https://t.co/q", "expanded_url" : "https://twitter.com/someone/status/4010", "display_url" : "twitter.com/someone/status/4010", "indices" : [ "20", "43" ] } ] },
      "favorite_count" : "0",
      "id_str" : "3005",
      "id" : "3005",
      "created_at" : "Thu Apr 03 10:00:00 +0000 2014",
      "full_text" : "Wat een mooie foto! https://t.co/q",
      "retweet_count" : "0",
      "lang" : "nl"
    }
  }
]
