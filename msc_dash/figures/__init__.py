"""Pure figure builders: DataFrames in, ``plotly.graph_objects.Figure`` out.

No function here calls Streamlit; tests inspect ``fig.data`` and ``fig.layout``.
"""

from .anchored import *  # noqa: F403
from .arms import *  # noqa: F403
from .clinical import *  # noqa: F403
from .crossover import *  # noqa: F403
from .forest import *  # noqa: F403
from .mmrm import *  # noqa: F403
from .progression import *  # noqa: F403
from .safety import *  # noqa: F403
from .style import *  # noqa: F403
