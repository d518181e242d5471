namespace BertNotebooks.Pretrained;

/// <summary>A model could not be fetched from the Hugging Face hub; the message says why and what to do instead.</summary>
public sealed class HubException(string message, Exception? inner = null) : IOException(message, inner);
