namespace BertNotebooks.Modeling;

/// <summary>
/// A model that writes itself as a Hugging Face folder (HF's PreTrainedModel.save_pretrained): what the Trainer saves in
/// each checkpoint and as the best model, so that it needs no saving callback and knows no model type.
/// </summary>
public interface ISavePretrained
{
    void SavePretrained(string folder);
}
