"""Pure pandas layer of the arms-trade dashboard: SIPRI loader, tidy tables, statistics, charts."""
