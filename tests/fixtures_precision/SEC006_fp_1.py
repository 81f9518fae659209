# From alembic 1.20.1, alembic/operations/ops.py:2728 and alembic/testing/suite/_autogen_fixtures.py:353.
# `upgrade_token` is the name of a template placeholder; "upgrades" is an ordinary word.
class UpgradeOps:
    def __init__(self, ops=(), upgrade_token: str = "upgrades") -> None:
        self.ops = ops
        self.upgrade_token = upgrade_token


ctx_opts = {"upgrade_token": "upgrades", "downgrade_token": "downgrades"}
