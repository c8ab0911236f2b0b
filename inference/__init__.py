"""The Tidepool world model and its worker runtime. Nothing in here imports Django."""
