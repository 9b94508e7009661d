"""Built-in plain-text log formats, one module per family; formats/model.py defines them and
formats/registry.py puts them in the order detection tries them."""
