"""Sign-in with Microsoft 365 (MSAL) and Google for IMAP and SMTP (XOAUTH2/OAUTHBEARER).

The rest of the application uses `sign_in`, `reauth`, `oauth_auth` and `token_provider`;
the mail code itself only sees the `TokenProvider` protocol of `zivverdesk.mail.auth`.
"""

from zivverdesk.mail.oauth.errors import SignInFailed
from zivverdesk.mail.oauth.providers import OAuthNotConfigured, Provider
from zivverdesk.mail.oauth.signin import (
    OAuthAccountInfo,
    UnknownOAuthAccount,
    load_account,
    oauth_auth,
    reauth,
    sign_in,
    sign_out,
    token_provider,
)

__all__ = [
    "OAuthAccountInfo",
    "OAuthNotConfigured",
    "Provider",
    "SignInFailed",
    "UnknownOAuthAccount",
    "load_account",
    "oauth_auth",
    "reauth",
    "sign_in",
    "sign_out",
    "token_provider",
]
