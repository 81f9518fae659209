# From changedetection.io 0.60.10, changedetectionio/model/Watch.py:721: one Path.unlink whose
# OSError names the file (`[Errno 13] Permission denied: '...'`): the message is the report.
from pathlib import Path

from loguru import logger


def trim_history(delete_part):
    for item in delete_part.items():
        try:
            Path(item[1]).unlink(missing_ok=True)
        except Exception as e:
            logger.critical(f"{str(e)}")
        finally:
            logger.debug(f"Deleted {item[1]} history snapshot")
