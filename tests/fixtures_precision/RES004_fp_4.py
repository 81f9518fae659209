# From open-interpreter 0.4.3, interpreter/core/computer/terminal/languages/java.py:95
# wait() after the threads reading both output streams reached EOF (joined): the child has closed
# its output, the wait returns at once; the run time is the user's own program.
import subprocess
import threading


def run_java(class_name, handle_stream_output):
    run_process = subprocess.Popen(["java", class_name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout_thread = threading.Thread(target=handle_stream_output, args=(run_process.stdout, False), daemon=True)
    stderr_thread = threading.Thread(target=handle_stream_output, args=(run_process.stderr, True), daemon=True)
    stdout_thread.start()
    stderr_thread.start()
    stdout_thread.join()
    stderr_thread.join()
    run_process.wait()


def run_lines(cmd, emit):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        emit(line)
    return proc.wait()
