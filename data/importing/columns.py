"""Column names of company exports -> the import's fields.

Each field lists its synonyms, best first, in English, Traditional and Simplified Chinese,
then Spanish, French, German, Portuguese and Japanese, and the names the common ERPs use
(Odoo, SAP Business One, the UCI Online Retail file, Shopify and WooCommerce order exports,
Taiwanese ERPs of the 鼎新 / 正航 kind). Names are compared after :func:`normalise`: case,
spaces, punctuation and underscores ignored, full-width forms folded.
"""

from __future__ import annotations

import re
import unicodedata

_DROP = re.compile(r"[\s\W_]+", flags=re.UNICODE)

SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_id": (
        "order id", "order no", "order number", "order reference", "order", "invoice no",
        "invoice number", "invoice", "invoiceno", "document no", "document number", "doc no",
        "docnum", "doc num", "sales order", "so number", "name", "receipt no", "bill no",
        "訂單編號", "訂單號碼", "單號", "銷貨單號", "訂單單號", "發票號碼", "单号", "订单编号",
        "订单号", "单据编号", "发票号码",
        "pedido", "n pedido", "nº pedido", "número de pedido", "numero de pedido", "factura",
        "nº factura", "número de factura", "commande", "n commande", "n° commande",
        "numéro de commande", "facture", "n° facture", "numéro de facture", "bestellnummer",
        "bestellung", "auftragsnummer", "auftrag", "rechnungsnummer", "belegnummer", "beleg",
        "encomenda", "número do pedido", "numero do pedido", "nota fiscal", "注文番号", "受注番号",
        "伝票番号", "売上番号",
    ),
    "doc_type": ("doc type", "document type", "單別", "单别", "單據類別", "objtype"),
    "order_date": (
        "order date", "invoice date", "invoicedate", "document date", "doc date", "docdate",
        "posting date", "date order", "date", "created at", "paid at", "sale date",
        "transaction date", "訂單日期", "銷貨日期", "單據日期", "日期", "交易日期", "订单日期",
        "单据日期", "销售日期",
        "fecha", "fecha pedido", "fecha de pedido", "fecha factura", "fecha de factura",
        "date de commande", "date commande", "date facture", "date de facture", "datum",
        "bestelldatum", "rechnungsdatum", "belegdatum", "auftragsdatum", "data", "data do pedido",
        "data pedido", "data emissão", "注文日", "受注日", "売上日", "伝票日付", "日付",
    ),
    "customer_id": (
        "customer id", "customerid", "customer no", "customer number", "customer code",
        "cardcode", "card code", "customer", "partner", "client", "client id",
        "customer user id", "email", "customer email", "billing name", "客戶編號", "客戶代號",
        "客戶", "客戶代碼", "客户编号", "客户代号", "客户", "客户代码",
        "cliente", "id cliente", "código cliente", "codigo cliente", "code client", "n client",
        "kunde", "kundennummer", "kunden nr", "kundennr", "código do cliente", "顧客コード",
        "得意先コード", "得意先", "顧客", "買家帳號", "买家账号", "買家會員名", "买家会员名",
        "會員編號", "会员编号", "會員卡號", "会员卡号",
    ),
    "customer_name": (
        "customer name", "cardname", "card name", "partner name", "client name", "company",
        "客戶名稱", "客戶簡稱", "客户名称", "客户简称",
        "nombre cliente", "nombre del cliente", "razón social", "nom client", "nom du client",
        "raison sociale", "kundenname", "firma", "nome cliente", "nome do cliente", "顧客名",
        "得意先名", "收件者姓名", "收件人姓名", "收件者", "收件人", "收貨人", "收货人",
        "收货人姓名",
    ),
    "sku": (
        "sku", "sku code", "product id", "product code", "item", "item code", "itemcode",
        "item no", "item number", "stock code", "stockcode", "material", "material number",
        "article", "article number", "part number", "part no", "product internal reference",
        "internal reference", "default code", "lineitem sku", "product", "product variant",
        "品號", "料號", "商品編號", "產品編號", "貨號", "品号", "料号", "商品编号", "产品编号",
        "货号", "商品id", "產品id", "产品id", "商品代碼", "商品代码", "barcode", "ean", "gtin",
        "upc", "條碼", "条码", "商品條碼", "商品条码", "國際條碼", "国际条码",
        "código", "codigo", "referencia", "ref", "código artículo", "codigo articulo", "artículo",
        "articulo", "référence", "code article", "réf", "artikel", "artikelnummer", "artikel nr",
        "artikelnr", "materialnummer", "produto", "código produto", "codigo produto",
        "código do produto", "商品コード", "品番", "品目コード", "品目",
    ),
    "name": (
        "description", "product name", "item name", "item description", "dscription",
        "lineitem name", "title", "品名", "商品名稱", "產品名稱", "品名規格", "商品名称",
        "产品名称", "描述",
        "descripción", "descripcion", "nombre producto", "nombre del producto", "désignation",
        "designation", "libellé", "libelle", "bezeichnung", "artikelbezeichnung", "beschreibung",
        "descrição", "descricao", "nome produto", "nome do produto", "商品名", "品目名",
    ),
    "category": (
        "category", "product category", "item group", "itmsgrpnam", "product type", "type",
        "product line", "product group", "product family", "類別", "商品類別", "品類", "分類",
        "类别", "商品类别", "分类",
        "categoría", "categoria", "familia", "catégorie", "famille", "kategorie", "warengruppe",
        "artikelgruppe", "カテゴリ", "カテゴリー",
    ),
    "quantity": (
        "quantity", "qty", "ordered quantity", "product uom qty", "lineitem quantity",
        "units", "數量", "訂購數量", "銷貨數量", "数量", "订购数量",
        "cantidad", "cant", "unidades", "quantité", "quantite", "qté", "qte", "menge", "anzahl",
        "stück", "quantidade", "qtd", "qtde", "数量",
    ),
    "unit_price": (
        "unit price", "unitprice", "price", "price unit", "sales price", "lineitem price",
        "item cost", "selling price", "單價", "售價", "单价", "售价",
        "precio", "precio unitario", "precio unit", "prix", "prix unitaire", "pu", "preis",
        "einzelpreis", "stückpreis", "preço", "preco", "preço unitário", "preco unitario",
        "valor unitário", "valor unitario", "単価", "販売単価",
    ),
    "line_total": (
        "line total", "linetotal", "subtotal", "price subtotal", "amount", "total", "net amount",
        "sales amount", "net sales", "revenue", "金額", "小計", "金额", "小计", "銷售額", "销售额",
        "營業額", "营业额",
        "importe", "total línea", "montant", "montant ht", "total ht", "betrag", "gesamtpreis",
        "gesamtbetrag", "nettobetrag", "valor total", "valor", "売上金額",
    ),
    "status": (
        "status", "state", "order status", "financial status", "cancelled at", "狀態", "状态",
        "estado", "statut", "état", "etat", "situação", "situacao", "ステータス", "状態",
    ),
    "country": (
        "country", "billing country", "shipping country", "國家", "国家", "país", "pais", "pays",
        "land", "国",
    ),
    "supplier_id": (
        "supplier id", "supplier", "vendor", "vendor id", "vendor code", "supplier code",
        "primary vendor", "cardcode supplier", "廠商編號", "廠商代號", "供應商", "供應商編號",
        "主供應商", "供应商", "供应商编号", "厂商编号",
        "proveedor", "fournisseur", "lieferant", "fornecedor", "仕入先", "仕入先コード",
    ),
    "supplier_name": (
        "supplier name", "vendor name", "廠商名稱", "供應商名稱", "供应商名称", "厂商名称",
    ),
    "lead_time_days": (
        "lead time", "lead time days", "delivery lead time", "leadtime", "delay",
        "前置時間", "交期", "採購前置天數", "前置天数", "交货期",
    ),
    "order_cost": ("order cost", "ordering cost", "訂購成本", "采购成本"),
    "unit_cost": (
        "unit cost", "cost", "purchase price", "standard cost", "cost price", "avgprice",
        "last purchase price", "成本", "單位成本", "進價", "标准成本", "单位成本", "进价",
        "costo", "coste", "costo unitario", "coût", "cout", "prix d'achat", "einkaufspreis",
        "ek preis", "custo", "原価", "仕入単価",
    ),
    "pack_size": ("pack size", "pack", "units per pack", "case pack", "inner pack", "包裝量",
                  "包装量", "入數", "入数"),
    "moq": ("moq", "minimum order quantity", "min order qty", "最小訂購量", "最小订购量"),
    "unit_weight_kg": ("weight", "weight kg", "unit weight", "sweight1", "重量", "單位重量"),
    "unit_volume_m3": ("volume", "volume m3", "unit volume", "svolume", "材積", "體積", "体积"),
    "on_hand": (
        "on hand", "onhand", "qty on hand", "quantity on hand", "stock", "in stock",
        "stock on hand", "available quantity", "inventory", "庫存", "庫存數量", "現有庫存",
        "库存", "库存数量", "现有库存",
        "existencias", "inventario", "bestand", "lagerbestand", "estoque", "在庫", "在庫数",
    ),
    "po_id": ("po id", "po number", "po no", "purchase order", "purchase order no",
              "採購單號", "采购单号"),
    "arrival_date": (
        "arrival date", "expected date", "expected arrival", "due date", "delivery date",
        "docduedate", "date planned", "預交日", "預計到貨日", "到貨日期", "交貨日期",
        "预计到货日", "到货日期", "交货日期",
    ),
    "address": ("address", "street", "shipping address", "shipping street", "地址", "送貨地址",
                "送货地址"),
    "lat": ("lat", "latitude", "緯度", "纬度"),
    "lon": ("lon", "lng", "long", "longitude", "經度", "经度"),
    "employee_id": ("employee id", "employee no", "employee", "staff id", "empid", "員工編號",
                    "工號", "员工编号", "工号"),
    "employee_name": ("employee name", "staff name", "full name", "員工姓名", "姓名",
                      "员工姓名"),
    "skills": ("skills", "skill", "role", "job", "position", "技能", "職務", "职务"),
    "hourly_cost": ("hourly cost", "hourly rate", "wage", "時薪", "时薪"),
}


# When no synonym matches exactly, a column name is read by the words it contains: real exports
# vary their headers ("品名代碼", "商品代號", "Item No.", "Qty Ordered", "出貨日期"), so a name that
# contains one of these words (after normalising) is placed on the field, less typical than any
# synonym (rank PATTERN_RANK and up, in the order below: the first pattern that matches wins).
PATTERN_RANK = 100
PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("arrival_date", ("到貨", "到货", "預交", "预交", "交貨日", "交货日", "expectedarrival",
                      "arrival", "lieferdatum", "fechaentrega", "fechadeentrega",
                      "datedelivraison", "dataentrega", "dataprevista", "納期", "入荷予定")),
    ("order_date", ("日期", "date", "日付", "fecha", "datum", "時間", "时间", "日時")),
    ("status", ("狀態", "状态", "status", "estado", "statut")),
    ("customer_name", ("客戶名", "客户名", "客戶全名", "客户全名", "客戶簡稱", "客户简称",
                       "customername", "clientname", "nombrecliente", "nomclient",
                       "kundenname", "nomecliente", "顧客名", "得意先名")),
    ("customer_id", ("客戶", "客户", "customer", "client", "buyer", "買方", "买方", "kunde",
                     "顧客", "得意先")),
    ("supplier_name", ("廠商名", "厂商名", "供應商名", "供应商名", "suppliername", "vendorname")),
    ("supplier_id", ("廠商", "厂商", "供應商", "供应商", "supplier", "vendor", "proveedor",
                     "fournisseur", "lieferant", "fornecedor", "仕入先")),
    ("sku", ("品號", "品号", "料號", "料号", "品名代碼", "品名代码", "商品代", "產品代", "产品代",
             "商品編", "商品编", "產品編", "产品编", "貨品編", "货品编", "物料編", "物料编",
             "品項編", "品项编", "itemno", "itemcode", "itemid", "productcode", "productno",
             "productid", "sku", "stockcode", "partno", "partnumber", "articleno", "material",
             "artikelnummer", "artikelnr", "codigoarticulo", "códigoartículo", "codearticle",
             "codigoproduto", "códigoproduto", "商品コード", "品番", "référenceartic",
             "referenceartic", "réfarticle", "refarticle", "referenciaartic", "貨號", "货号",
             "條碼", "条码", "barcode")),
    ("name", ("品名", "名稱", "名称", "description", "productname", "itemname", "descrip",
              "bezeichnung", "designation", "désignation", "libellé", "descrição", "商品名")),
    ("quantity", ("數量", "数量", "qty", "quantity", "cantidad", "quantit", "menge", "anzahl")),
    ("unit_price", ("單價", "单价", "售價", "售价", "unitprice", "price", "precio", "prix",
                    "preis", "preço", "preco", "単価", "價格", "价格", "原價", "原价")),
    ("line_total", ("金額", "金额", "小計", "小计", "amount", "total")),
    ("order_id", ("單號", "单号", "訂單", "订单", "發票", "发票", "憑證", "凭证", "orderno",
                  "ordernumber", "orderid", "invoice", "documentno", "docno", "commande",
                  "pedido", "bestell", "auftrag", "rechnung", "factura", "facture", "注文",
                  "受注", "伝票")),
    ("category", ("類別", "类别", "分類", "分类", "category", "categor", "famil", "kategorie",
                  "warengruppe")),
    ("on_hand", ("庫存", "库存", "onhand", "instock", "existencia", "lagerbestand", "estoque",
                 "在庫")),
)


#: An order's total (``訂單總金額``, ``Order Total``): not a line's amount, so not placed.
_ORDER_TOTAL = re.compile(r"(訂單|订单|order).*(總|总|total)")


def normalise(name: str) -> str:
    """A column name without case, spaces, punctuation and full-width forms."""
    folded = unicodedata.normalize("NFKC", str(name)).casefold()
    return _DROP.sub("", folded)


_INDEX: dict[str, tuple[str, int]] = {}
for _field, _names in SYNONYMS.items():
    for _rank, _name in enumerate(_names):
        _INDEX.setdefault(normalise(_name), (_field, _rank))
# Odoo's relational exports write "Order Lines/Product" and "order_line/product_id".
_PATH_TAIL = re.compile(r"^.*[/:>]\s*")


def match_column(name: str) -> tuple[str, int] | None:
    """The field a column name means and how typical the name is (0 = the field's own name),
    or ``None`` when no synonym matches."""
    key = normalise(name)
    if key in _INDEX:
        return _INDEX[key]
    tail = normalise(_PATH_TAIL.sub("", str(name)))
    if tail and tail in _INDEX:
        return _INDEX[tail]
    if key.endswith("id") and key[:-2] in _INDEX:  # product_id, partner_id, order_id
        return _INDEX[key[:-2]]
    if _ORDER_TOTAL.search(key):  # the order's total, not the line's amount
        return None
    for offset, (field, words) in enumerate(PATTERNS):
        if any(normalise(word) in key for word in words):
            return field, PATTERN_RANK + offset
    return None


#: Columns that say where: a "State" column beside one of them is a place (a US state, a
#: region), not an order's status.
_PLACES = frozenset(normalise(n) for n in (
    "country", "city", "postal code", "zip", "zip code", "postcode", "region", "province",
    "county", "town", "ship country", "shipping country", "billing country"))
_STATE = normalise("state")
#: "Sales" is the line's amount beside a quantity column (the Superstore export: Sales,
#: Quantity), and the units sold where there is none (date, store, item, sales).
_SALES = normalise("sales")


def _in_context(name: str, names: list[str], hit: tuple[str, int] | None) \
        -> tuple[str, int] | None:
    """``hit`` for ``name`` corrected by the other columns of the file (see :data:`_PLACES`
    and :data:`_SALES`)."""
    key = normalise(name)
    if key == _STATE and hit is not None and hit[0] == "status" and \
            any(normalise(other) in _PLACES for other in names):
        return None
    if key == _SALES and hit is None:
        units = any((match_column(other) or ("", 0))[0] == "quantity"
                    for other in names if other != name)
        return ("line_total", len(SYNONYMS["line_total"])) if units else \
            ("quantity", len(SYNONYMS["quantity"]))
    return hit


def match_columns(names: list[str]) -> tuple[dict[str, str], list[str]]:
    """Place each column on a field (the most typical name wins a field named twice), a few
    names read by the columns beside them (:func:`_in_context`).

    Returns
    -------
    (mapping, unplaced)
        ``mapping`` source column -> field; ``unplaced`` the columns no field took.
    """
    best: dict[str, tuple[int, str]] = {}
    for name in names:
        hit = _in_context(name, names, match_column(name))
        if hit is None:
            continue
        field, rank = hit
        if field not in best or rank < best[field][0]:
            best[field] = (rank, name)
    mapping = {name: field for field, (_, name) in best.items()}
    ordered = {name: mapping[name] for name in names if name in mapping}
    return ordered, [name for name in names if name not in mapping]


#: A column name that is a period: a date, a month, an ISO week or a quarter (``2024-11-04``,
#: ``2024/11``, ``Nov-24``, ``113年11月``, ``11月``, ``2024-W45``, ``Week 45``, ``Q4 2024``).
_PERIOD = re.compile(r"""(?ix)^(
    (\d{4}|1\d{2})\s?[-/.]\s?\d{1,2}(\s?[-/.]\s?\d{1,2})?(\s00:00(:00)?)?
  | \d{2,4}\s?年\s?\d{1,2}\s?月(份)?(\s?\d{1,2}\s?日)?
  | \d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}
  | (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[-\s'/]?\d{2,4}
  | \d{1,2}[-\s](jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*([-\s]\d{2,4})?
  | \d{4}-?w\d{1,2} | w(ee)?k?\s?\d{1,2}
  | \d{1,2}\s?月(份)?
  | q[1-4][-\s]?\d{2,4} | \d{4}[-\s]?q[1-4]
)$""")


def period_columns(names: list[str]) -> list[str]:
    """The column names that are periods (:data:`_PERIOD`): a report with one column per
    week or month (a product's sales across), not sales lines."""
    return [n for n in names if _PERIOD.match(unicodedata.normalize("NFKC", str(n)).strip())]
