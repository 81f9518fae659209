# From gpt-engineer 0.3.1, gpt_engineer/core/default/disk_execution_env.py:65 and 82, and
# open-interpreter 0.4.3, interpreter/computer_use/tools/run.py:25 and tools/bash.py:30.
# Execution environments and an agent's bash tool: running the command they are given is their
# purpose (the user approves gpt-engineer's run command; the bash tool is the product).
import asyncio
import subprocess


class DiskExecutionEnv:
    def __init__(self, working_dir):
        self.working_dir = working_dir

    def popen(self, command: str) -> subprocess.Popen:
        return subprocess.Popen(command, shell=True, cwd=self.working_dir, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)


async def run(cmd: str, timeout: float = 120.0):
    process = await asyncio.create_subprocess_shell(cmd, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE)
    return await asyncio.wait_for(process.communicate(), timeout=timeout)


class BashSession:
    command: str = "/bin/bash"

    async def start(self):
        self._process = await asyncio.create_subprocess_shell(self.command, stdin=asyncio.subprocess.PIPE,
                                                              stdout=asyncio.subprocess.PIPE)
