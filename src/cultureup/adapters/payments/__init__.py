"""Payment gateways: Stripe (cards, 3D Secure, webhooks) and the offline methods."""
