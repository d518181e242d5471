namespace BertNotebooks.Data;

/// <summary>One raw message of the archive: its split folder, newsgroup folder, file name and latin-1 text.</summary>
public sealed record NewsgroupsMessage(NewsgroupsSplit Split, string Group, string FileName, string Text);

/// <summary>The two folders of the bydate archive.</summary>
public enum NewsgroupsSplit { Train, Test }
