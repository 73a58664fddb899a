"""The places of plain mode, one module per part of the forum (`main.opener` names the
words that open them from anywhere)."""
