"""Rule packs: model, loading, validation."""
from .loader import full_schema, load_pack, load_rules
from .model import SEVERITIES, SEVERITY_RANK, Rule, RuleError, RuleSet

__all__ = [
    "SEVERITIES", "SEVERITY_RANK", "Rule", "RuleError", "RuleSet",
    "full_schema", "load_pack", "load_rules",
]
