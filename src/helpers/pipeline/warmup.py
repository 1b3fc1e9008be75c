"""Done once by a kernel pool's fork server (or a warm kernel) before any notebook: the work that the
libraries otherwise do lazily, on first use, in every kernel.

Importing this module:

* validates a one-row frame with pandera, which registers pandera's pandas backends; that imports
  its data-synthesis strategies and with them hypothesis (and pytest), about 0.5 s that every
  notebook reading a tidy table paid again in its own forked kernel;
* builds the Dutch public holidays of one year, which loads the holidays package's country
  modules (the business-hours clock of the response times).

Nothing is kept: the module defines no names besides its imports. Listed last in
:data:`helpers.pipeline.kernels.PRELOAD`. Must not import the runner, the executor or the report.
"""

from __future__ import annotations

import holidays
import pandas as pd
import pandera.pandas as pa

pa.DataFrameSchema({"n": pa.Column(int)}).validate(pd.DataFrame({"n": [1]}))
holidays.country_holidays("NL", years=[2014])
