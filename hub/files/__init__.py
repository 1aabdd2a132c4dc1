"""Material files (电子材料): uploaded once, stored by SHA-256, shared by grant, downloaded through signed links."""
