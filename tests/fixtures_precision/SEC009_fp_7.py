# From aider-chat 0.86.2, aider/gui.py:176 and 180.
# `key=` of a Streamlit button wrapper is a widget key, not a crypto key.
import random

import streamlit as st


class GUI:
    def button(self, args, **kwargs):
        return st.button(args, **kwargs)

    def do_recommended_actions(self):
        with st.popover("Create a git repo to track changes"):
            self.button("Create git repo", key=random.random(), help="?")
        with st.popover("Update your `.gitignore` file"):
            self.button("Add `.aider*` to `.gitignore`", key=random.random(), help="?")
