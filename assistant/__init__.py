"""cityqa's assistant: answers questions over indexed city data with verified citations."""
