"""Full-page text dumps: finding the article among menus and footers from the text alone
(maincontent.py, with line shapes in lines.py, context features in features.py and learned trees
in linemodel.py), and site chrome learned from a batch (chrome.py)."""
