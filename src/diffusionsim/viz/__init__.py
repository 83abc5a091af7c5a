"""The live visual run for presenters: a Solara app around the Mesa model (``diffusionsim viz``).

The submodules are split so that the parts without a browser can be tested and benchmarked on their own:
:mod:`.live` turns the presenter's levers into a model, :mod:`.figures` builds the network, the charts and the tiles
as ECharts options, and :mod:`.app` puts them into the Solara page. Importing this package does not import Solara.
"""
