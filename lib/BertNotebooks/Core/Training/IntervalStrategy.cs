namespace BertNotebooks.Training;

/// <summary>When the Trainer logs, evaluates or saves: every N steps, at the end of each epoch, or never (HF's IntervalStrategy).</summary>
public enum IntervalStrategy { No, Steps, Epoch }
