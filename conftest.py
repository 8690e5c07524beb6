# The plugin's own tests drive pytest-lee as users run it: through pytester.
pytest_plugins = ["pytester"]
