"""All settings in one place; every one can be set as an environment variable HUB_<NAME>."""

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from hub.auth.issuers import TrustedIssuer
from hub.enums import Role


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    environment: Literal["embedded", "production"] = Field(
        "embedded",
        description="`embedded` generates a signing key, applies migrations and prints demo tokens "
        "on first start; `production` does none of that.",
    )
    database_url: str = Field(
        "sqlite+aiosqlite:///var/hub.sqlite3",
        description="SQLAlchemy async URL (sqlite+aiosqlite:///… or postgresql+asyncpg://…).",
    )
    data_dir: Path = Field(Path("var"), description="Where the embedded default keeps its key and files.")
    host: str = Field("127.0.0.1", description="Address `hub serve` binds.")
    port: int = Field(8000, description="Port `hub serve` binds.")
    issuer: str = Field("urn:kaifeng-hub", description="`iss` of tokens the hub signs and accepts.")
    audience: str = Field("kaifeng-hub", description="`aud` every accepted token must carry.")
    signing_key_file: Path | None = Field(
        None, description="JWK (private) the hub signs tokens with; default `<data_dir>/signing-key.json`."
    )
    oidc_issuers: list[TrustedIssuer] = Field(
        default_factory=list,
        description='External token issuers, as JSON: `[{"issuer": "…", "jwks_url": "…", "audience": "…"}]`.',
    )
    client_token_ttl_seconds: int = Field(900, description="Lifetime of tokens from /oauth/token.")
    token_ttl_seconds: int = Field(3600, description="Lifetime of tokens from `hub token`.")
    demo_token_ttl_seconds: int = Field(30 * 86400, description="Lifetime of the demo tokens printed on first start.")
    subscription_queue_size: int = Field(
        1000, description="Events a live subscription may have waiting; beyond that it is dropped (close 4499) and resumes from its cursor.")
    sms_sender: Literal["log", "webhook"] = Field("log", description="`log` writes SMS to HUB_SMS_LOG_FILE; `webhook` POSTs them to HUB_SMS_WEBHOOK_URL.")
    sms_log_file: Path | None = Field(None, description="Where the log sender writes; default `<data_dir>/sms.log`.")
    sms_webhook_url: str | None = Field(None, description="SMS gateway endpoint for the webhook sender.")
    sms_webhook_token: str | None = Field(None, description="Bearer token sent to the SMS gateway.")
    sms_retry_base_seconds: float = Field(5.0, description="First retry delay; doubles per attempt (capped at an hour).")
    sms_max_attempts: int = Field(12, description="Attempts before a message is marked FAILED.")
    time_limit_warning_share: float = Field(0.75, gt=0, lt=1, description="Share of an assignment's time limit at which WARNING is raised (OVERDUE at 100%).")
    time_limit_scan_seconds: float = Field(30.0, description="How often the scheduler looks for assignments to warn about or mark overdue.")
    audit_checkpoint_seconds: float = Field(
        300.0, description="How often the hub signs the audit chain's head (a checkpoint, also logged) if it moved.")
    file_store: Literal["local", "s3"] = Field(
        "local", description="`local` keeps material files under `<data_dir>/files/`; `s3` in an S3-compatible bucket.")
    file_max_bytes: int = Field(10 * 1024 * 1024, gt=0, description="Largest file `POST /files` accepts.")
    file_types: list[Literal["application/pdf", "image/jpeg", "image/png"]] = Field(
        default_factory=lambda: ["application/pdf", "image/jpeg", "image/png"], min_length=1,
        description="Content types accepted, judged from the file's bytes.")
    file_upload_grace_seconds: float = Field(
        86400.0, gt=0, description="How long an upload may be referenced by a material; unreferenced files are removed after it.")
    file_url_ttl_seconds: int = Field(300, gt=0, description="Lifetime of a signed download URL.")
    file_gc_seconds: float = Field(3600.0, gt=0, description="How often unreferenced files are looked for and removed.")
    s3_endpoint_url: str | None = Field(None, description="S3-compatible endpoint, e.g. `https://oss-cn-zhengzhou.aliyuncs.com`.")
    s3_bucket: str | None = Field(None, description="Bucket for material files (HUB_FILE_STORE=s3).")
    s3_region: str | None = Field(None, description="Region of the bucket.")
    s3_access_key_id: str | None = Field(None, description="Access key; none means the SDK's default credential chain.")
    s3_secret_access_key: str | None = Field(None, description="Secret of the access key.")
    s3_addressing_style: Literal["auto", "path", "virtual"] = Field("auto", description="Bucket in the path or in the host name.")
    personal_data_retention_days: int = Field(
        1095, ge=0, description="Days after a case is finished before governance may erase its personal data.")
    clock_start: datetime | None = Field(
        None, description="Start the hub's clock at this ISO time (without an offset: Kaifeng local time) and let it "
        "run on from there, for demonstrations and acceptance; refused when `environment` is `production`.")
    db_pool_size: int = Field(10, description="Connections per instance (PostgreSQL).")
    policy_poll_seconds: float = Field(
        5.0, gt=0, description="How often each instance checks the policy version in case it missed an invalidation "
        "(its LISTEN connection was down); changes normally reach every instance at once.")
    sqlite_busy_timeout_seconds: float = Field(
        30.0, gt=0, description="How long a SQLite write waits for the write lock before the request is answered 503.")
    graphiql: bool | None = Field(
        None, description="Serve GraphiQL to browsers at /graphql (all its files from the hub itself); "
        "default on when `environment` is `embedded`, off in `production`.")
    console: bool | None = Field(
        None, description="Serve the governance console and the supervisors' dashboard at /console (all its files "
        "from the hub itself); default on when `environment` is `embedded`, off in `production`.")
    compiled_reads: bool = Field(
        True, description="Answer the record's hot reads (cases, case, caseByNumber, workQueue over the record's "
        "columns) with one SQL statement per request instead of the GraphQL executor; identical responses.")
    log_level: str = Field("INFO", description="Python log level.")
    max_body_bytes: int = Field(262_144, gt=0, description="Largest request body (and WebSocket message) accepted; larger ones are refused with 413 before they are read.")
    max_document_bytes: int = Field(32_768, gt=0, description="Largest GraphQL document, in UTF-8 bytes.")
    max_tokens: int = Field(1_000, gt=0, description="Most lexical tokens in a GraphQL document (comments not counted).")
    max_query_depth: int = Field(20, gt=0, le=100, description="Deepest nesting of fields in an operation.")
    max_aliases: int = Field(30, ge=0, description="Most aliases in a document.")
    max_fields: int = Field(500, gt=0, description="Most fields a document selects, fragments expanded.")
    max_query_cost: int = Field(50_000, gt=0, description="Highest estimated cost of an operation: fields resolved, each list counted at its `first` or HUB_DEFAULT_LIST_SIZE.")
    default_list_size: int = Field(10, gt=0, description="Items assumed for a list without `first` when estimating cost.")
    max_list_length: int = Field(500, gt=0, description="Most items in any list given as input (materials, item codes, …), in variables or in the document.")
    registered_documents_only: list[Role] = Field(
        default_factory=list, description="Roles whose callers may send only registered (persisted) documents, as "
        'JSON, e.g. `["APPLICANT"]`; any other document text is refused with PERSISTED_DOCUMENT_REQUIRED.')

    @property
    def is_embedded(self) -> bool:
        return self.environment == "embedded"

    @property
    def key_file(self) -> Path:
        return self.signing_key_file or self.data_dir / "signing-key.json"


@lru_cache
def get_settings() -> Settings:
    return Settings()
