"""nbgrader's settings for the gmm_viz course: run nbgrader from this folder.

    cd courses/nbgrader
    nbgrader generate_assignment write_em     # release/write_em/: the student version
    nbgrader autograde write_em               # grades submitted/<student>/write_em/
    nbgrader export                           # grades.csv

The assignment's source, source/write_em/write_em.ipynb, is made from lesson 6 by
make_source.py (never edit it by hand: edit the lesson, then run make_source.py).
"""

import os

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = "gmm_viz"
# The course is this folder (source/, release/, submitted/, autograded/, the gradebook),
# wherever nbgrader is started from.
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# A cell may fit EM to Old Faithful a few times: two minutes is plenty on a slow machine.
c.Execute.timeout = 120
# The student's stub, as the lesson has it: its checker then says "not written yet".
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError  # replace this line"}
