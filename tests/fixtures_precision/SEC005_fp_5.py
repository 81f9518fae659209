# From open-interpreter 0.4.3, interpreter/terminal_interface/profiles/profiles.py:148.
# Running the start script of a profile the user chose is the profile feature.
def apply_profile(interpreter, profile, profile_path):
    if "start_script" in profile:
        scope = {"interpreter": interpreter}
        exec(profile["start_script"], scope, scope)
    return interpreter
