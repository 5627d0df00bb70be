"""The domain: plain Python with typed functions and domain errors; no views or templates."""
