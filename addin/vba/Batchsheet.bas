Attribute VB_Name = "BatchsheetRibbon"
' The Batchsheet ribbon tab.
'
' Every button calls OnBatchsheetButton, which dispatches on the button's tag. The work itself
' is done in Python (addin.excel.ribbon); this module only asks for file paths, because Excel's
' own dialogs behave natively on Windows and macOS, and hands them to Python through xlwings'
' RunPython (in the xlwings module of this add-in).
'
' The module is not named "Batchsheet" because the VBA project is: VBA refuses a module that
' shares its project's name.
Option Explicit

Private Const PYTHON_MODULE As String = "addin.excel.ribbon"
' The workbook-level name a Batchsheet template stores its format in (addin.excel.layout).
Private Const FORMAT_NAME As String = "Batchsheet_Format"
' The name of the blank workbook made for Python when none is open (addin.excel.layout).
Private Const HELPER_NAME As String = "Batchsheet_Helper"
' The data sheet and the headings of its marking columns (addin.excel.layout).
Private Const DATA_SHEET As String = "Batch"
Private Const ERRORS_HEADING As String = "Errors in"
Private Const PROBLEMS_HEADING As String = "Problems"
' Excel's status bar shows about this many characters.
Private Const STATUS_LIMIT As Long = 250
' Whether the status bar shows a row's problems, so that leaving the row hands it back.
Private showingProblem As Boolean
Private Const ALERT_TITLE As String = "Batchsheet"

Public Sub OnBatchsheetButton(control As IRibbonControl)
    Dim tag As String
    On Error GoTo Failed
    tag = control.Tag
    RunButton tag
    Exit Sub
Failed:
    ' A plain alert, never the VBA debugger: the people pressing these buttons keep books.
    MsgBox "Batchsheet could not finish this step." & vbNewLine & vbNewLine & _
           Err.Description, vbExclamation, ALERT_TITLE
End Sub

' Runs what the button tagged `tag` stands for. Public so that it can be tried from the
' Immediate window, e.g. RunButton "validate".
Public Sub RunButton(ByVal tag As String)
    Dim action As String, argument As String, helperBook As Workbook

    action = TagAction(tag)
    argument = TagArgument(tag)

    Select Case action
    Case "validate", "clear_marks", "fix"
        ' Fix previews its changes in Python and asks Yes/No there before writing any cell.
        If Not HaveWorkbook() Then Exit Sub
        RunPython PythonCall(action)
    Case "export_csv"
        If Not HaveWorkbook() Then Exit Sub
        argument = AskExportPath(ActiveWorkbook)
        If argument = "" Then Exit Sub ' cancelled
        RunPython PythonCall(action, argument)
    Case "next_problem", "previous_problem"
        ' In VBA, not Python: a press moves the cursor at once, with a few calls into Excel.
        If Not HaveWorkbook() Then Exit Sub
        GoToProblem ActiveWorkbook, action = "next_problem"
    Case "import_csv", "new_batch", "show_help"
        If action = "import_csv" Then
            argument = AskImportPath()
            If argument = "" Then Exit Sub ' cancelled
        End If
        Set helperBook = EnsureCallerBook()
        RunPython PythonCall(action, argument)
        CloseIfUntouched helperBook
    Case Else
        MsgBox "This button is not known to this version of Batchsheet (" & tag & ").", _
               vbExclamation, ALERT_TITLE
    End Select
End Sub

' "new_batch:pastel-customer" -> "new_batch"; "validate" -> "validate".
Public Function TagAction(ByVal tag As String) As String
    Dim colon As Long
    colon = InStr(tag, ":")
    If colon > 0 Then
        TagAction = Left$(tag, colon - 1)
    Else
        TagAction = tag
    End If
End Function

' "new_batch:pastel-customer" -> "pastel-customer"; "validate" -> "".
Public Function TagArgument(ByVal tag As String) As String
    Dim colon As Long
    colon = InStr(tag, ":")
    If colon > 0 Then TagArgument = Mid$(tag, colon + 1)
End Function

' The Python statement RunPython runs: one call into addin.excel.ribbon, with at most one text
' argument ("" means none).
Public Function PythonCall(ByVal functionName As String, Optional ByVal argument As String = "") As String
    Dim arguments As String
    If argument <> "" Then arguments = PythonText(argument)
    PythonCall = "import " & PYTHON_MODULE & " as batchsheet_ribbon; batchsheet_ribbon." & _
                 functionName & "(" & arguments & ")"
End Function

' A Python expression whose value is `text`, written with letters, digits and punctuation that
' mean nothing to cmd.exe, the macOS shell or AppleScript. RunPython pastes its command inside a
' double-quoted "python -c" argument (where cmd.exe still expands %NAME% and the shell expands
' $NAME, backslashes and quotes), and on macOS splits its parameters at "|", so a path is never
' pasted as it is: it travels as the hex digits of its UTF-16 code units.
Public Function PythonText(ByVal text As String) As String
    Dim i As Long, unit As Long, digits As String
    For i = 1 To Len(text)
        unit = AscW(Mid$(text, i, 1))
        ' AscW answers a negative Integer for code units above &H7FFF.
        If unit < 0 Then unit = unit + 65536
        digits = digits & Right$("000" & Hex$(unit), 4)
    Next i
    PythonText = "bytes.fromhex('" & digits & "').decode('utf-16-be', 'surrogatepass')"
End Function

' The file name the Save As dialog suggests: the workbook's name without its extension, the
' format and today's date, e.g. "March batch-pastel-customer-2025-03-31.csv". Kept equal to
' addin.excel.ribbon.suggested_export_name, which the tests check.
Public Function SuggestedExportName(ByVal bookName As String, ByVal formatName As String, _
                                    ByVal today As Date) As String
    Dim stem As String, dot As Long
    stem = bookName
    dot = InStrRev(bookName, ".")
    ' Like Python's PurePath.stem: a leading or trailing dot is not an extension.
    If dot > 1 And dot < Len(bookName) Then stem = Left$(bookName, dot - 1)
    If formatName <> "" Then stem = stem & "-" & formatName
    SuggestedExportName = stem & "-" & Format$(today, "yyyy-mm-dd") & ".csv"
End Function

' The text of a defined name that holds a string: ="pastel-customer" -> pastel-customer.
Public Function TextOfName(ByVal refersTo As String) As String
    If Len(refersTo) >= 3 And Left$(refersTo, 2) = "=""" And Right$(refersTo, 1) = """" Then
        TextOfName = Replace(Mid$(refersTo, 3, Len(refersTo) - 3), """""", """")
    End If
End Function

' -- finding the problems -----------------------------------------------------------------

' The column to select on a marked row: the first listed in "Errors in", else in "Warnings in"
' ("F K" -> "F"); "" when neither lists one.
Public Function ProblemColumn(ByVal errorsIn As String, ByVal warningsIn As String) As String
    Dim listed As String
    listed = Trim$(errorsIn)
    If listed = "" Then listed = Trim$(warningsIn)
    If InStr(listed, " ") > 0 Then listed = Left$(listed, InStr(listed, " ") - 1)
    ProblemColumn = listed
End Function

' What the status bar says on a marked row: "Batchsheet, row 12: F: Period Number must ...",
' cut to what the bar shows.
Public Function StatusText(ByVal row As Long, ByVal problems As String) As String
    Dim text As String
    text = "Batchsheet, row " & row & ": " & Replace(Replace(problems, vbCr, " "), vbLf, " ")
    If Len(text) > STATUS_LIMIT Then text = Left$(text, STATUS_LIMIT - 1) & ChrW(8230)
    StatusText = text
End Function

' The row a search for the next (or previous) marked row starts after: the cursor's row, or
' when the cursor is outside the marked rows, the row that makes the search start at the first
' (or last) of them.
Public Function SearchAfterRow(ByVal current As Long, ByVal firstRow As Long, _
                               ByVal lastRow As Long, ByVal forward As Boolean) As Long
    If current < firstRow Or current > lastRow Then
        If forward Then SearchAfterRow = lastRow Else SearchAfterRow = firstRow
    Else
        SearchAfterRow = current
    End If
End Function

' Whether the search went past the end (or the start) and came round again.
Public Function WentRound(ByVal current As Long, ByVal found As Long, ByVal forward As Boolean) As Boolean
    If forward Then WentRound = found <= current Else WentRound = found >= current
End Function

' The column whose heading (row 1) is `heading`, or 0. Application.Match, not Range.Find:
' Find saves its LookIn/LookAt options into the user's Find dialog, and skips hidden cells.
Private Function MarkingColumn(ByVal sheet As Worksheet, ByVal heading As String) As Long
    Dim at As Variant
    at = Application.Match(heading, sheet.Rows(1), 0)
    If Not IsError(at) Then MarkingColumn = CLng(at)
End Function

' The first (forward) or last row from `fromRow` to `toRow` whose Errors in or Warnings in cell
' holds text, or 0. Excel answers in one call per column, hidden and filtered rows included:
' Match finds the first text ("?*"), LOOKUP(2, 1/...) the last.
Private Function MarkedRow(ByVal sheet As Worksheet, ByVal errorsColumn As Long, _
                           ByVal fromRow As Long, ByVal toRow As Long, ByVal forward As Boolean) As Long
    Dim side As Long, area As Range, at As Variant, best As Long
    If fromRow > toRow Then Exit Function
    For side = 0 To 1
        Set area = sheet.Range(sheet.Cells(fromRow, errorsColumn + side), _
                                sheet.Cells(toRow, errorsColumn + side))
        If forward Then
            at = Application.Match("?*", area, 0)
            If Not IsError(at) Then at = fromRow + CLng(at) - 1
        Else
            at = sheet.Evaluate("LOOKUP(2,1/(LEN(" & area.Address & ")>0),ROW(" & area.Address & "))")
        End If
        If Not IsError(at) Then
            If best = 0 Then
                best = CLng(at)
            ElseIf forward = (CLng(at) < best) Then
                best = CLng(at)
            End If
        End If
    Next side
    MarkedRow = best
End Function

' Selects the next (or previous) cell Validate marked and says in the status bar what is wrong
' there. Excel finds the marked row (MarkedRow), so a press takes a handful of calls however
' long the sheet is, and the user's Find options are left as they were.
Private Sub GoToProblem(ByVal book As Workbook, ByVal forward As Boolean)
    Dim sheet As Worksheet, found As Long
    Dim errorsColumn As Long, current As Long, lastRow As Long, row As Long
    Dim values As Variant, column As String
    On Error Resume Next
    Set sheet = book.Worksheets(DATA_SHEET)
    On Error GoTo 0
    If sheet Is Nothing Then
        MsgBox "This workbook has no " & DATA_SHEET & " sheet to look for problems in.", _
               vbInformation, ALERT_TITLE
        Exit Sub
    End If
    errorsColumn = MarkingColumn(sheet, ERRORS_HEADING)
    If errorsColumn = 0 Then
        MsgBox "This sheet has no marking columns. Press Validate first.", vbInformation, ALERT_TITLE
        Exit Sub
    End If
    lastRow = sheet.Rows.Count
    current = 0
    If ActiveSheet Is sheet Then current = ActiveCell.row
    row = SearchAfterRow(current, 2, lastRow, forward)
    ' Past the cursor first, then round from the other end.
    If forward Then
        found = MarkedRow(sheet, errorsColumn, row + 1, lastRow, True)
        If found = 0 Then found = MarkedRow(sheet, errorsColumn, 2, row, True)
    Else
        found = MarkedRow(sheet, errorsColumn, 2, row - 1, False)
        If found = 0 Then found = MarkedRow(sheet, errorsColumn, row, lastRow, False)
    End If
    If found = 0 Then
        Application.StatusBar = "Batchsheet: no problems are marked. Validate checks the batch."
        showingProblem = True
        Exit Sub
    End If
    row = found
    values = sheet.Range(sheet.Cells(row, errorsColumn), sheet.Cells(row, errorsColumn + 2)).Value
    column = ProblemColumn(CStr(values(1, 1)), CStr(values(1, 2)))
    If sheet.Parent Is ActiveWorkbook Then sheet.Activate
    If column <> "" Then
        sheet.Range(column & row).Select
    Else
        sheet.Cells(row, 1).Select
    End If
    Application.StatusBar = StatusText(row, CStr(values(1, 3)))
    showingProblem = True
    If WentRound(current, row, forward) And current > 0 Then
        Application.StatusBar = Application.StatusBar & "  (searched from the " & _
            IIf(forward, "top", "bottom") & ")"
    End If
End Sub

' Called by the add-in's application events (ThisWorkbook) whenever the selection moves: on a
' marked row of a batch sheet the status bar says what is wrong there; elsewhere it is handed
' back to Excel. One or two calls, and no Python.
Public Sub ShowProblemAt(ByVal sheet As Object, ByVal target As Range)
    Dim problemsColumn As Long, problems As String
    On Error GoTo Quiet ' never a VBA error for a click
    If sheet.Name = DATA_SHEET And target.row > 1 Then
        problemsColumn = MarkingColumn(sheet, PROBLEMS_HEADING)
        If problemsColumn > 0 Then problems = CStr(sheet.Cells(target.row, problemsColumn).Value)
    End If
    If problems <> "" Then
        Application.StatusBar = StatusText(target.row, problems)
        showingProblem = True
    ElseIf showingProblem Then
        Application.StatusBar = False
        showingProblem = False
    End If
Quiet:
End Sub

Private Function BatchFormat(ByVal book As Workbook) As String
    Dim refersTo As String
    On Error Resume Next ' a workbook not made from a Batchsheet template has no such name
    refersTo = book.Names(FORMAT_NAME).RefersTo
    On Error GoTo 0
    BatchFormat = TextOfName(refersTo)
End Function

Private Function AskExportPath(ByVal book As Workbook) As String
    Dim suggestion As String, chosen As Variant
    suggestion = SuggestedExportName(book.Name, BatchFormat(book), Date)
    #If Mac Then
        chosen = Application.GetSaveAsFilename(InitialFileName:=suggestion)
    #Else
        ' Start in the workbook's folder, unless it lives online (OneDrive shows a URL).
        If book.Path <> "" And InStr(book.Path, "://") = 0 Then
            suggestion = book.Path & Application.PathSeparator & suggestion
        End If
        chosen = Application.GetSaveAsFilename(InitialFileName:=suggestion, _
                     FileFilter:="CSV files (*.csv),*.csv", Title:="Export the batch as CSV")
    #End If
    ' Cancel answers False; the dialog itself has asked before replacing an existing file.
    If VarType(chosen) = vbBoolean Then Exit Function
    AskExportPath = LocalPath(CStr(chosen))
End Function

Private Function AskImportPath() As String
    Dim chosen As Variant
    #If Mac Then
        ' Excel for Mac ignores Windows-style file filters.
        chosen = Application.GetOpenFilename()
    #Else
        chosen = Application.GetOpenFilename( _
                     FileFilter:="CSV and text files (*.csv;*.txt),*.csv;*.txt,All files (*.*),*.*", _
                     Title:="Import a CSV batch")
    #End If
    If VarType(chosen) = vbBoolean Then Exit Function
    AskImportPath = LocalPath(CStr(chosen))
End Function

' Python wants a POSIX path on macOS; older Excel for Mac answers "Macintosh HD:Users:...".
Private Function LocalPath(ByVal path As String) As String
    #If Mac Then
        If Left$(path, 1) <> "/" Then path = ToPosixPath(path)
    #End If
    LocalPath = path
End Function

Private Function HaveWorkbook() As Boolean
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open a Batchsheet workbook first, or start one with New batch.", _
               vbInformation, ALERT_TITLE
    Else
        HaveWorkbook = True
    End If
End Function

' xlwings hands Python the active workbook as the caller, so with no workbook open (Excel just
' started) there has to be one. The blank workbook made here carries the name Batchsheet_Helper:
' Python closes it once it is done (on macOS RunPython returns before Python has finished, so
' only Python knows when).
Private Function EnsureCallerBook() As Workbook
    If Not ActiveWorkbook Is Nothing Then Exit Function
    Set EnsureCallerBook = Workbooks.Add
    EnsureCallerBook.Names.Add Name:=HELPER_NAME, RefersTo:="=TRUE", Visible:=False
    EnsureCallerBook.Saved = True
End Function

' On Windows RunPython waits for Python: a helper Python could not close (it stopped early)
' is closed here. One Python closed is no longer there to ask.
Private Sub CloseIfUntouched(ByVal helperBook As Workbook)
    #If Mac Then
    #Else
        If helperBook Is Nothing Then Exit Sub
        On Error Resume Next
        If helperBook.Saved Then helperBook.Close SaveChanges:=False
        On Error GoTo 0
    #End If
End Sub
