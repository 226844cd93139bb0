"""Settings: frozen values read from TRUSTSVC_* once, at start, and passed down explicitly.

Every package's settings live here, so reading the configuration imports no service, and a
bad value stops the start with one line (`SettingsError`) before anything runs.
"""
