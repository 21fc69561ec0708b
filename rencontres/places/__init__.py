"""Where rencontres are, for maps and « Près de »: above the models, beside the selectors.

* :mod:`.geocoder`: the national address base's geocoder (HTTP, one address or a batch);
* :mod:`.tasks`: geocoding addresses in the background when rencontres are saved;
* :mod:`.resolve`: what a visitor types in « Près de » (a commune, a postcode,
  coordinates) turned into a point;
* :mod:`.distance`: great-circle distances and the bounding box, in Python and in SQL;
* :mod:`.communes`: the list of communes built from npm packages (``load_communes``).

The models they read and write are in :mod:`rencontres.models.places`.
"""
