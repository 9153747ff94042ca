"""The lessons' predictions, one module per lesson, kept where the student does not read them
before answering.

A prediction asks before it tells (Crouch et al. 2004: a demonstration teaches only when the
student commits first). So a lesson's cell only *asks*: it calls one function here, e.g.
``em_by_hand.nearer_mean_wins(toy)``, which computes the answer with the engine from the
lesson's own data and returns a :class:`~gmm_viz.widgets.Prediction` holding the question,
the answer and the explanation. The cell's source names the question, never its answer; on a
static page the reveal is folded under the question (``<details>``).

Each function takes the data (and the parameters) the lesson shows, so the answer is the
engine's for those numbers, never a number typed in here.
"""
