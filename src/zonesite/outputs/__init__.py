"""What the site is made of, each computed from the model: pages, PDFs, the search index, feeds."""
