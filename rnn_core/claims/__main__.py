"""``python -m rnn_core.claims [--seeds 0,1,2] [--only ID]``: check the claims, print the table."""

import sys

from rnn_core.claims.runner import main

if __name__ == "__main__":
    sys.exit(main())
