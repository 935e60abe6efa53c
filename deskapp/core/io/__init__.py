"""Files the user names: reading them with clear refusals, writing them without destroying anything."""
