"""Files in and out: CSV reading, CSV writing of results, asciicast writing."""
