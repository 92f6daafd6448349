"""``salesflow import``: company exports (ERP and spreadsheet files in any common encoding,
delimiter, number and date style, with English or Chinese headers) turned into a dataset folder."""
