"""The services' shared kernel: the one audit writer, the acting agent, text helpers."""
