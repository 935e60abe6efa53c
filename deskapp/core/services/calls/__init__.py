"""The phone station: the call log (``log``), the CTI payload (``cti``) and listener (``cti_server``), callbacks."""
