"""What every app shares, at the bottom of the layers: it imports none of our apps.

- `csv`: spreadsheet-safe CSV downloads;
- `apikeys`: the shape of an API key and of the header that carries it;
- `links`: single-use e-mailed links (random key, stored digest, constant-time compare, claim)
  and the one page of a closed link.
"""
