"""The ML pipeline, one module per DVC stage: export -> prepare -> embed -> train -> weights -> evaluate.

Each stage is a pure ``run(...)`` with a thin ``main()`` (``python -m mlcore.pipelines.<stage>``);
the retrain task runs the same code through DVC.
"""
