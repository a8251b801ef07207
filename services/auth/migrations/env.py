from services.auth.models import Base
from services.common.alembic_env import run_migrations

run_migrations(Base.metadata)
