"""The notebooks' test collection: nbval checks the executed lessons; the student copies
(``*.student.ipynb``, no outputs) are run by tests/test_student_copies.py instead."""

collect_ignore_glob = ["*.student.ipynb"]
