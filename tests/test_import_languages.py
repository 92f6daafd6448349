"""`salesflow import` on exports whose headers are in Spanish, French, German, Portuguese and
Japanese, in the encodings their spreadsheets and ERPs write (cp1252 with semicolons and
decimal commas, UTF-8 with a BOM, Shift_JIS): each column on its field, the sales lines and
returns as written, and a dataset that loads."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from salesflow.data.dataset import load_dataset
from salesflow.data.importing.text import detect_encoding

EXPORTS = {
    "spanish": ("cp1252", (
        "Nº Pedido;Fecha;Código Cliente;Nombre Cliente;Código Artículo;Descripción;Cantidad;"
        "Precio Unitario;Importe;Estado\n"
        "P-0001;05/11/2024;C001;Distribuciones García;A-100;Café molido 1 kg;3;12,50;37,50;"
        "Confirmado\n"
        "P-0002;13/11/2024;C002;Panadería Núñez;A-200;Azúcar moreno;10;1,95;19,50;Entregado\n"
        "P-0003;14/11/2024;C001;Distribuciones García;A-100;Café molido 1 kg;1;12,50;12,50;"
        "Cancelado\n")),
    "french": ("cp1252", (
        "N° de commande;Date de commande;Code client;Référence article;Désignation;Quantité;"
        "Prix unitaire HT;Montant HT\n"
        "CM-1;04/11/2024;CL-9;REF-7;Crème fraîche épaisse;4;2,35;9,40\n"
        "CM-2;18/11/2024;CL-3;REF-8;Pâté de campagne;2;4,10;8,20\n")),
    "german": ("utf-8-sig", (
        "Belegnummer;Belegdatum;Kundennummer;Artikelnummer;Artikelbezeichnung;Menge;"
        "Einzelpreis;Gesamtbetrag\n"
        "R-100;04.11.2024;K-1;4711;Schraube M8 (100 Stück);2;1.234,50;2.469,00\n"
        "R-101;21.11.2024;K-2;4712;Mutter M8;5;0,89;4,45\n")),
    "portuguese": ("cp1252", (
        "Número do pedido;Data do pedido;Código do cliente;Código do produto;Descrição;"
        "Quantidade;Preço unitário;Situação\n"
        "PD1;05/11/2024;CLI1;PR-1;Café torrado;6;18,90;Faturado\n"
        "PD2;19/11/2024;CLI2;PR-2;Açúcar cristal;12;4,50;Devolução\n")),
    "japanese": ("cp932", (
        "受注番号,受注日,得意先コード,得意先名,商品コード,商品名,数量,単価\n"
        "A001,2024/11/05,T01,株式会社山田商店,K-100,緑茶ティーバッグ,3,450\n"
        "A002,2024/11/19,T02,有限会社佐藤,K-200,ほうじ茶,5,320\n")),
}

FIELDS = {
    "spanish": {"Nº Pedido": "order_id", "Fecha": "order_date", "Código Cliente": "customer_id",
                "Nombre Cliente": "customer_name", "Código Artículo": "sku",
                "Descripción": "name", "Cantidad": "quantity", "Precio Unitario": "unit_price",
                "Importe": "line_total", "Estado": "status"},
    "french": {"N° de commande": "order_id", "Date de commande": "order_date",
               "Code client": "customer_id", "Référence article": "sku",
               "Désignation": "name", "Quantité": "quantity", "Prix unitaire HT": "unit_price",
               "Montant HT": "line_total"},
    "german": {"Belegnummer": "order_id", "Belegdatum": "order_date",
               "Kundennummer": "customer_id", "Artikelnummer": "sku",
               "Artikelbezeichnung": "name", "Menge": "quantity", "Einzelpreis": "unit_price",
               "Gesamtbetrag": "line_total"},
    "portuguese": {"Número do pedido": "order_id", "Data do pedido": "order_date",
                   "Código do cliente": "customer_id", "Código do produto": "sku",
                   "Descrição": "name", "Quantidade": "quantity",
                   "Preço unitário": "unit_price", "Situação": "status"},
    "japanese": {"受注番号": "order_id", "受注日": "order_date", "得意先コード": "customer_id",
                 "得意先名": "customer_name", "商品コード": "sku", "商品名": "name",
                 "数量": "quantity", "単価": "unit_price"},
}

#: (order_id, order_date, sku, quantity, unit_price) of the demand lines, then the returns.
EXPECTED = {
    "spanish": ([("P-0001", "2024-11-05", "A-100", 3.0, 12.5),
                 ("P-0002", "2024-11-13", "A-200", 10.0, 1.95)], ["status Cancelado"]),
    "french": ([("CM-1", "2024-11-04", "REF-7", 4.0, 2.35),
                ("CM-2", "2024-11-18", "REF-8", 2.0, 4.1)], []),
    "german": ([("R-100", "2024-11-04", "4711", 2.0, 1234.5),
                ("R-101", "2024-11-21", "4712", 5.0, 0.89)], []),
    "portuguese": ([("PD1", "2024-11-05", "PR-1", 6.0, 18.9)], ["status Devolução"]),
    "japanese": ([("A001", "2024-11-05", "K-100", 3.0, 450.0),
                  ("A002", "2024-11-19", "K-200", 5.0, 320.0)], []),
}


@pytest.mark.parametrize("language", sorted(EXPORTS))
def test_an_export_in_another_language(language: str, run_cli: Callable[..., object],
                                       tmp_path: Path) -> None:
    encoding, text = EXPORTS[language]
    src = tmp_path / f"{language}.csv"
    src.write_bytes(text.encode(encoding))
    out = tmp_path / "data"
    result = run_cli("import", src, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (info,) = report["files"]
    assert info["table"] == "sales"
    assert info["columns"] == FIELDS[language]
    assert info["encoding"] == {"utf-8-sig": "utf-8-sig"}.get(encoding, encoding)
    sales = pd.read_csv(out / "sales.csv", dtype=str, keep_default_na=False)
    lines, returns = EXPECTED[language]
    assert [(r.order_id, r.order_date, r.sku, float(r.quantity), float(r.unit_price))
            for r in sales.itertuples()] == lines
    kept = pd.read_csv(out / "returns.csv", dtype=str, keep_default_na=False)
    assert kept["reason"].tolist() == returns
    names = pd.read_csv(out / "skus.csv", dtype=str).set_index("sku")["name"]
    assert names[lines[0][2]] == text.split("\n")[1].split(";" if ";" in text else ",")[
        list(FIELDS[language].values()).index("name")]
    load_dataset(out)


def test_shift_jis_is_told_from_big5_and_gb18030() -> None:
    """The same few headers in the three CJK encodings are each read back as written."""
    for text, encoding in (("商品コード,数量,単価\nK-1,3,450\n", "cp932"),
                           ("品號,品名,數量\nP-1,紅茶禮盒,3\n", "cp950"),
                           ("品号,商品名称,数量\nP-1,红茶礼盒,3\n", "gb18030")):
        data = text.encode(encoding)
        assert data.decode(detect_encoding(data)) == text, encoding
