"""The live visual run for presenters: a Solara app on Mesa's SolaraViz (``diffusionsim viz``).

The submodules are split so that the parts without a browser can be tested and benchmarked on their own:
:mod:`.live` turns the presenter's levers into a model, :mod:`.figures` draws the network and the charts with
matplotlib, and :mod:`.app` puts them into the Solara page. Importing this package does not import Solara.
"""
