"""Road distances and driving times from outside the dataset: a user-supplied matrix file and
an OSRM server's table service."""
