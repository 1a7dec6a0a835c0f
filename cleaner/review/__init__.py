"""Review pages: what a cleaning run's rules did, as one self-contained HTML file for the people
who write and test rules. collect.py gathers the run's records into the page's data; page.py
renders it (with assets/review.css and assets/review.js inlined)."""
