"""newsarchive: a bilingual (English / Chinese) news-archive search engine built on Whoosh."""

__version__ = "0.1.0"
