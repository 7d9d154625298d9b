/**
 * Request bodies quoted from the seed documents, written once: the XML reader's tests and the
 * seed-example tests of each surface send exactly these.
 */

/** LearningLogin `POST /api/v2/inventories/assign_units` XML sample. */
export const assignUnitsXml = `<?xml version="1.0" encoding="UTF-8"?>
<content>
  <course-codes type="array">
     <course-code>JHSC</course-code>
  </course-codes>
  <login-ids type="array">
     <login-id type="integer">1</login-id>
     <login-id type="integer">2</login-id>
  </login-ids>
</content>`;

/** Aligni create-unit XML sample, with the leading newline `curl -d` sends. */
export const createInventoryUnitXml = `
<inventory_unit>
  <inventory_sublocation_id>3</inventory_sublocation_id>
  <unit_id>2</unit_id>
  <quantity>10</quantity>
  <cost_per_unit>14</cost_per_unit>
  <datecode>022016</datecode>
  <lot_code>AB-LOT-CODE</lot_code>
  <sublocation_bin>Bottom Shelf</sublocation_bin>
  <generate_asset_id>true</generate_asset_id>
  <inventory_record>
    <comment>December shipment</comment>
  </inventory_record>
</inventory_unit>`;
