"""The benchmarks' worker scripts: each runs in one side's virtualenv (neurogym_lite's, or
NeuroGym 2.3.1's in benchmarks/.neurogym-venv) as a subprocess of the benchmark of the same name,
which sends it its settings as JSON on stdin. They import neither side unless asked to."""
