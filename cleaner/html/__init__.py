"""HTML pages: the main text through trafilatura, and what the page says about itself."""
