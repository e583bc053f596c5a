"""One page per step of the flow: Data → Model → Train → Evaluate → Predict, plus Runs."""
