"""AuthService: PSC login (OIDC code flow with PKCE), token validation, who acts for what."""
