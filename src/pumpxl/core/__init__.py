"""pumpxl's pure core: the XmR engine, signal rules, the workbook's domain model, analysis and
the words they share. Nothing here imports a spreadsheet, presentation or terminal library;
the adapters around it (``pumpxl.workbook``, ``pumpxl.excel``, ``pumpxl.report``,
``pumpxl.cli``) do, and nothing here imports them."""
